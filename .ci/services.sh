#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, trust) and RabbitMQ (127.0.0.1:5672) run; install them if missing.
set -uo pipefail  # not -e: a failed start is reported below, once both were tried
export DEBIAN_FRONTEND=noninteractive

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    fi
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
    if [ -n "$version" ]; then
        conf=/etc/postgresql/$version/main/pg_hba.conf
        if [ -f "$conf" ] && ! grep -q "^host all all 127.0.0.1/32 trust" "$conf"; then
            sed -i '1i host all all 127.0.0.1/32 trust' "$conf"
        fi
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
fi
if ! port_open 5672; then
    if ! command -v rabbitmq-server >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq rabbitmq-server >/dev/null
    fi
    rabbitmq-server -detached || true
fi
# The tests need both (in CI a skipped test is a failure): wait for them, and say so loudly if one is missing.
status=0
for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
if port_open 5432; then echo "ci: PostgreSQL up"; else echo "ci: PostgreSQL not reachable on 127.0.0.1:5432" >&2; status=1; fi
for _ in $(seq 1 60); do port_open 5672 && break; sleep 1; done
if port_open 5672; then echo "ci: RabbitMQ up"; else echo "ci: RabbitMQ not reachable on 127.0.0.1:5672" >&2; status=1; fi
exit "$status"
