# Sourced by the start and test scripts: brings the machine up to what the board needs.
# Only Node 20 and npm are assumed; everything else is installed here.

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "Installing pnpm 12 (npm i -g pnpm@12)..."
    npm i -g pnpm@12 >/dev/null
  fi
}

# ensure_debian_packages WHAT:PACKAGE ... installs the packages whose WHAT is missing:
# a command name, or an absolute path to a file the package ships.
ensure_debian_packages() {
  local missing=()
  for pair in "$@"; do
    local what="${pair%%:*}" pkg="${pair##*:}"
    case "$what" in
      /*) [ -e "$what" ] || missing+=("$pkg") ;;
      *) command -v "$what" >/dev/null 2>&1 || missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} from Debian..."
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A free TCP port on loopback, chosen by the kernel.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
