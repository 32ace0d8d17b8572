# Sourced by ./payback and .ci/run. Apicurio Registry 3.3.3 (what the build unpacks) needs Java 21+.
# If no Java 21+ runtime is installed next to the current one, fetch Apicurio 3.0.9 (runs on Java 17) from
# Maven Central with Maven itself, unpack it, and point the launcher at it. The Java launcher does the same
# search (JavaRuntimes): keep the two in step.

_payback_java_feature() { # $1 = a Java home; prints its feature version, or nothing
  local release="$1/release"
  [[ -f "$release" && -x "$1/bin/java" ]] || return 0
  sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$release" | head -n 1
}

payback_has_java21() {
  local homes=() home parent candidate feature
  [[ -n "${PAYBACK_REGISTRY_JAVA_HOME:-}" ]] && homes+=("$PAYBACK_REGISTRY_JAVA_HOME")
  [[ -n "${JAVA_HOME:-}" ]] && homes+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    homes+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${homes[@]}"; do
    for candidate in "$home" "$(dirname "$home")"/*; do
      feature="$(_payback_java_feature "$candidate")"
      if [[ -n "$feature" && "$feature" -ge 21 ]]; then
        return 0
      fi
    done
  done
  for candidate in "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    feature="$(_payback_java_feature "$candidate")"
    [[ -n "$feature" && "$feature" -ge 21 ]] && return 0
  done
  return 1
}

payback_ensure_registry_runtime() { # $1 = repository root
  [[ -n "${PAYBACK_APICURIO_HOME:-}" ]] && return 0
  payback_has_java21 && return 0
  local version=3.0.9 dir="$1/local-stack/target/apicurio-3.0.9"
  if [[ ! -f "$dir/apicurio-registry-app-$version-runner.jar" ]]; then
    echo "No Java 21+ runtime found: fetching Apicurio Registry $version (runs on Java 17) from Maven Central..."
    # The 2.8 plugin's get resolves this artifact although its parent POM is not served.
    mvn -B -q -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:2.8:get >/dev/null \
      -Dartifact="io.apicurio:apicurio-registry-app:$version:tar.gz:all" -Dtransitive=false
    local repo
    repo="$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)"
    [[ -n "$repo" && -d "$repo" ]] || repo="$HOME/.m2/repository"
    mkdir -p "$dir"
    tar -xzf "$repo/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version-all.tar.gz" -C "$dir"
  fi
  export PAYBACK_APICURIO_HOME="$dir"
  export PAYBACK_APICURIO_VERSION="$version"
}
