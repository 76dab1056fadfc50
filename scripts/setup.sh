#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) for secprof's whole test suite:
# the packages the tests use for real (runc, crun, libseccomp, AppArmor's
# parser, a static busybox and glibc coreutils for test root filesystems,
# 32-bit toolchain for x86-ABI test programs) and a Docker daemon that answers.
# Idempotent and quick when everything is already in place.
set -euo pipefail

packages=(runc crun libseccomp-dev apparmor busybox-static seccomp strace coreutils
          util-linux mount gcc gcc-multilib libc6-dev ca-certificates docker.io)

log() { printf 'setup: %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
	echo "setup: must run as root (apt-get, dockerd)" >&2
	exit 2
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# docker.io is only needed when no Docker engine is installed some other way.
if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
	filtered=()
	for p in "${missing[@]}"; do [[ $p == docker.io ]] || filtered+=("$p"); done
	missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	log "packages already installed"
fi

if docker info >/dev/null 2>&1; then
	log "docker daemon answers"
else
	logfile=/var/log/secprof-dockerd.log
	log "starting dockerd in the background (log: $logfile)"
	nohup dockerd >"$logfile" 2>&1 </dev/null &
	for _ in $(seq 1 60); do
		if docker info >/dev/null 2>&1; then
			break
		fi
		sleep 1
	done
	if ! docker info >/dev/null 2>&1; then
		echo "setup: dockerd did not answer within 60s; see $logfile" >&2
		tail -n 20 "$logfile" >&2 || true
		exit 1
	fi
	log "docker daemon answers"
fi

log "runc: $(runc --version | head -n 1)"
log "docker server: $(docker version --format '{{.Server.Version}}')"
log "done"
