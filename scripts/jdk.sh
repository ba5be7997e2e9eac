# Sourced by the scripts: exports JAVA_HOME pointing at a JDK 21 or newer and says which one.
# The machine's default java may be 17, which can run the SDK and CLI but cannot build Echelon
# or run its server (Helidon 4 needs 21).

_echelon_java_major() {
  # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

_echelon_install_hint() {
  cat >&2 <<'HINT'
       Install a JDK 21 or newer, then run this again:
         Debian 12:        Temurin from Adoptium's apt repository (https://adoptium.net/installation/linux/),
                           then: sudo apt-get install temurin-21-jdk   (Debian 12 has no openjdk-21 package)
         Debian 13:        sudo apt-get install openjdk-21-jdk   (or openjdk-25-jdk)
         Ubuntu 22.04+:    sudo apt-get install openjdk-21-jdk
         macOS:            brew install openjdk@21
         any, per user:    SDKMAN (https://sdkman.io): sdk install java 21-tem
       Or point JAVA_HOME at a JDK 21+ you already have.
HINT
}

_echelon_find_jdk() {
  local d major
  if [ -n "${JAVA_HOME:-}" ]; then
    if [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      major=$(_echelon_java_major "$JAVA_HOME/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return; fi
      echo "note: JAVA_HOME=$JAVA_HOME is JDK ${major:-of unknown version}; Echelon needs 21+, looking for another." >&2
    else
      echo "note: JAVA_HOME=$JAVA_HOME is not a JDK (no bin/java and bin/javac there); looking for one." >&2
    fi
  fi
  local candidates=()
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  if [ -x /usr/libexec/java_home ]; then # macOS
    d=$(/usr/libexec/java_home -v 21+ 2>/dev/null) && candidates+=("$d")
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home; do
    [ -d "$d" ] && candidates+=("$d")
  done
  local best="" best_major=0
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
  echo "error: Echelon needs a JDK 21 or newer to build and to run its server, and none was found" >&2
  echo "       (looked at JAVA_HOME, the javac on PATH, /usr/lib/jvm, /opt, SDKMAN and macOS JDK folders)." >&2
  _echelon_install_hint
  exit 1
fi
export JAVA_HOME="$ECHELON_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
[ -n "${ECHELON_QUIET:-}" ] || echo "Using JDK $(_echelon_java_major "$JAVA_HOME/bin/java") at $JAVA_HOME" >&2
# Maven's bundled Guava trips JDK 24+'s sun.misc.Unsafe warning; it is harmless, keep the output clean.
if [ "$(_echelon_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Maven not found; installing it with apt-get..." >&2
    (apt-get update -qq && apt-get install -y -qq maven) >&2 || { echo "error: could not install Maven; install Maven 3.8+ and run this again." >&2; exit 1; }
  else
    echo "error: Maven (mvn) is not on PATH. Install Maven 3.8+ (apt-get install maven, brew install maven) and run this again." >&2
    exit 1
  fi
fi

# Builds (without tests) when a jar the scripts run is missing or older than any source or pom.
echelon_build_if_stale() {
  local stale=0 jar
  for jar in echelon-server/target/echelon-server.jar echelon-cli/target/echelon.jar; do
    if [ ! -f "$jar" ] || [ -n "$(find . -path ./.git -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
      stale=1
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "Building Echelon (first time takes a minute while Maven downloads dependencies)..." >&2
    mvn -B -q -ntp -DskipTests install >&2
    # Maven leaves a jar's time alone when its classes did not change; mark both as built now
    touch echelon-server/target/echelon-server.jar echelon-cli/target/echelon.jar
  fi
}
