# Sourced by ./podidentity and ./test: finds a JDK 21+ and exports JAVA_HOME, or explains.
# Order: $JAVA_HOME if it is 21 or newer, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

_pi_java_major() { # prints the feature version of the java binary in $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}

_pi_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(_pi_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in "${PODIDENTITY_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(_pi_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(_pi_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! PI_JDK=$(_pi_find_jdk); then
  echo "podidentity: no JDK 21 or newer found." >&2
  echo "  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), every JDK under ${PODIDENTITY_JVM_DIR:-/usr/lib/jvm}, and javac on PATH." >&2
  echo "  Install one (e.g. 'apt-get install openjdk-21-jdk') or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$PI_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries call sun.misc.Unsafe; JDK 24+ warns about it on every run unless told.
if [ "$(_pi_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "podidentity: Maven (mvn) is needed to build; install it with 'apt-get install maven'." >&2
  exit 1
fi
