# Sourced by ./freshrag and .ci/run: prints the home of a JDK 21 or newer (Lucene 10 needs 21), trying in order
# $JAVA_HOME, the java on the PATH, /usr/lib/jvm/temurin-25-jdk-amd64 and the newest other /usr/lib/jvm/*; prints
# nothing and returns 1 when there is none.

# the feature release of the JDK at $1 (from its release file, else from `java -version`), or nothing
jdk_major() {
  local home=$1 version=""
  [[ -x $home/bin/java ]] || return 0
  if [[ -f $home/release ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release")
  fi
  [[ -n $version ]] || version=$("$home/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  local major=${version%%.*}
  [[ $major == 1 ]] && major=$(echo "$version" | cut -d. -f2)
  [[ $major =~ ^[0-9]+$ ]] && echo "$major"
}

find_jdk21() {
  local candidates=() home major best="" best_major=0
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for home in "${candidates[@]}"; do
    major=$(jdk_major "$home")
    if [[ -n $major ]] && ((major >= 21)); then
      echo "$home"
      return 0
    fi
  done
  for home in /usr/lib/jvm/*; do
    major=$(jdk_major "$home")
    if [[ -n $major ]] && ((major >= 21 && major > best_major)); then
      best=$home
      best_major=$major
    fi
  done
  [[ -n $best ]] && echo "$best"
}
