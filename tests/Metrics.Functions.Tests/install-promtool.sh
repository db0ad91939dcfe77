#!/usr/bin/env bash
# Installs Debian's promtool (package `prometheus`) for the test that checks /api/ops/metrics with
# `promtool check metrics`. Idempotent: does nothing when promtool is already on the PATH. The service
# the package brings is not started: only the checker is needed.
set -euo pipefail

if command -v promtool >/dev/null; then
  exit 0
fi

sudo_if_needed=()
if [ "$(id -u)" -ne 0 ]; then sudo_if_needed=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
# Packages' maintainer scripts may try to start the Prometheus daemon; refuse that inside containers and CI.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_if_needed[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_if_needed[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo_if_needed[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo_if_needed[@]}" apt-get update -q
"${sudo_if_needed[@]}" apt-get install -y -q --no-install-recommends prometheus
