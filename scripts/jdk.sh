# Sourced by the run and test scripts: exports JAVA_HOME pointing at a JDK 21 or newer.
# The machine's default java may be 17, which cannot build or run Echelon.

_echelon_java_major() {
  # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

_echelon_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local d
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  local best="" best_major=0 major
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    major=$(_echelon_java_major "$d/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$d"; best_major="$major"
    fi
  done
  [ -n "$best" ] && echo "$best"
}

ECHELON_JDK=$(_echelon_find_jdk)
if [ -z "$ECHELON_JDK" ]; then
  echo "error: Echelon needs a JDK 21 or newer, and none was found (JAVA_HOME, PATH, /usr/lib/jvm)." >&2
  echo "       Install one, e.g. 'apt-get install openjdk-21-jdk', or set JAVA_HOME to it, then run this again." >&2
  exit 1
fi
export JAVA_HOME="$ECHELON_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's bundled Guava trips JDK 24+'s sun.misc.Unsafe warning; it is harmless, keep the output clean.
if [ "$(_echelon_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Maven not found; installing it with apt-get..." >&2
    (apt-get update -qq && apt-get install -y -qq maven) >&2 || { echo "error: could not install Maven; install Maven 3.8+ and run this again." >&2; exit 1; }
  else
    echo "error: Maven (mvn) is not on PATH. Install Maven 3.8+ and run this again." >&2
    exit 1
  fi
fi
