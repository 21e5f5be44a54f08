# Sourced by scripts/neo4j.sh and scripts/fhir-validator.sh: build a small Maven project once.
#
#   maven_build PROJECT_DIR "what it builds (and what the first run downloads)"
#
# `mvn compile` puts the classes in target/classes and every runtime jar in target/lib (the run
# classpath is "target/classes:target/lib/*"); it runs again only when the pom or a Java source changed
# after the last successful build (target/.built). Concurrent builds are serialised (flock, optional).
# Nothing is printed on stdout: a caller's stdout may be its answer (neo4j.sh start prints the URI).

maven_build() {
  local project="$1" what="$2" target="$1/target"
  mkdir -p "$target"
  exec 9>"$target/.build.lock"
  if command -v flock >/dev/null; then flock 9; fi
  if [[ ! -f "$target/.built" || -n "$(find "$project/pom.xml" "$project/src" -newer "$target/.built" -print -quit)" ]]; then
    command -v mvn >/dev/null || { echo "mvn not found (needed once to fetch the jars of $project)" >&2; exit 1; }
    echo "building $what ..." >&2
    rm -rf "$target/lib" # drop jars of a previously pinned version
    (cd "$project" && mvn -B -q -Dstyle.color=never compile >&2) || { echo "maven build of $project failed" >&2; exit 1; }
    touch "$target/.built"
  fi
  exec 9>&-
}
