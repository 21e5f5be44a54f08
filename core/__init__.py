"""The core: errors, settings, namespaces, text folding, the terms of a question and the rules that
define "in force", "serves this public" and "covers". It imports nothing else of Maillage."""
