#!/usr/bin/env bash
# Sets up and runs Tracegate on the embedded default configuration (config/tracegate.yaml)
# with a local demo target and a demo user key, on a fresh Debian 12 machine with the
# Swift 6 toolchain. Run as root (it installs packages and starts a demo sshd).
# Everything listens on 127.0.0.1; state goes under var/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libssh-dev libsqlite3-dev pkg-config libqrencode-dev openssh-server openssh-client
          cmake make gcc libssl-dev zlib1g-dev dpkg-dev debian-archive-keyring
          libpq-dev)   # ClusterStore links libpq even when no cluster is configured
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# libssh 0.12 with post-quantum key exchange, from Debian's source package (built once, cached).
PKG_CONFIG_PATH=$(scripts/build-libssh.sh)
export PKG_CONFIG_PATH
swift build -c release --product tracegate --force-resolved-versions
tracegate=$(swift build -c release --force-resolved-versions --show-bin-path)/tracegate
config=config/tracegate.yaml
demo=var/demo
install -d -m 0700 var "$demo"

# The demo engineer's key, the demo target's host key.
[ -f "$demo/demo_user" ] || ssh-keygen -q -t ed25519 -N "" -C demo@tracegate -f "$demo/demo_user"
[ -f "$demo/target_host_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -f "$demo/target_host_ed25519"

# The gateway's keys (created on first use); the demo target trusts its upstream key.
"$tracegate" keys show --config "$config" > "$demo/target_authorized_keys"

# The demo target: a real sshd on 127.0.0.1:2201 with its own config.
mkdir -p /run/sshd
cat > "$demo/target_sshd_config" <<CONFIG
ListenAddress 127.0.0.1:2201
HostKey $PWD/$demo/target_host_ed25519
AuthorizedKeysFile $PWD/$demo/target_authorized_keys
PidFile $PWD/$demo/target_sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
AcceptEnv LANG LC_* TERM
CONFIG
if [ -f "$demo/target_sshd.pid" ] && kill -0 "$(cat "$demo/target_sshd.pid")" 2>/dev/null; then
    kill "$(cat "$demo/target_sshd.pid")" && sleep 0.5
fi
/usr/sbin/sshd -f "$demo/target_sshd_config"

# Pin the demo target's host key explicitly (no trust on first use), as an operator would.
"$tracegate" target trust demo --yes --config "$config"

echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 var/keys/host_ed25519.pub)" > "$demo/known_hosts"
cat <<HELP

Tracegate is starting on 127.0.0.1:2222. In another terminal, try:

  ssh -i $demo/demo_user -o UserKnownHostsFile=$demo/known_hosts -p 2222 demo@127.0.0.1
  ssh -i $demo/demo_user -o UserKnownHostsFile=$demo/known_hosts -p 2222 root@demo@127.0.0.1 'uname -a'

Stop with Ctrl-C (the demo target keeps running: kill \$(cat $demo/target_sshd.pid)).

HELP
exec "$tracegate" serve --config "$config"
