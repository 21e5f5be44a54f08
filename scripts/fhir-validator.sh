#!/usr/bin/env bash
# HAPI FHIR's validator, offline (scripts/fhir-validator/: FHIR R4's definitions come in its jars).
#
#   scripts/fhir-validator.sh build
#   scripts/fhir-validator.sh validate RESOURCE.json [CONFORMANCE.json ...]   # one line per message
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/scripts/fhir-validator"
TARGET="$PROJECT/target"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "fhir-validator.sh: $*" >&2; exit 1; }

# shellcheck source=lib/maven-build.sh
source "$REPO_ROOT/scripts/lib/maven-build.sh"

cmd_build() {
  maven_build "$PROJECT" "HAPI FHIR's validator (first run downloads ~145 MB of jars into ~/.m2)"
}

case "${1:-}" in
  build) cmd_build ;;
  validate) shift; cmd_build; exec "$JAVA" -Xmx1g -cp "$TARGET/classes:$TARGET/lib/*" org.maillage.fhir.Validate "$@" ;;
  *) die "usage: $0 build | validate RESOURCE.json [CONFORMANCE.json ...]" ;;
esac
