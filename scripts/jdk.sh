# Sourced by the other scripts: finds a JDK >= 21 and exports JAVA_HOME, without asking the user.
# Order: $JAVA_HOME if it is >= 21, then `java` on the PATH, then the usual install folders (newest first).
_mp_java_major() {  # prints the major version of the java binary $1, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*} ;; esac
  echo "${v:-0}"
}
_mp_pick_jdk() {
  local cand best="" best_v=0 v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(_mp_java_major "$JAVA_HOME/bin/java"); [ "$v" -ge 21 ] && { echo "$JAVA_HOME"; return; }
  fi
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(_mp_java_major "$cand/bin/java"); [ "$v" -ge 21 ] && { echo "$cand"; return; }
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* \
              "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(_mp_java_major "$cand/bin/java")
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$cand; best_v=$v; fi
  done
  echo "$best"
}
JAVA_HOME=$(_mp_pick_jdk)
if [ -z "$JAVA_HOME" ]; then
  echo "Modelport needs a JDK 21 or newer (25 recommended). Install one (e.g. Temurin 25) and run this again." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
