#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, trust) and RabbitMQ (127.0.0.1:5672) run; install them if missing.
set -uo pipefail
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
for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
port_open 5432 && echo "ci: PostgreSQL up" || echo "ci: PostgreSQL not reachable (server tests on PostgreSQL will be skipped)"
port_open 5672 && echo "ci: RabbitMQ up" || echo "ci: RabbitMQ not reachable yet"
exit 0
