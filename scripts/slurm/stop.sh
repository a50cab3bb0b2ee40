#!/usr/bin/env bash
# Stop the daemons started by scripts/slurm/setup.sh, by the pids in their pid
# files (SIGTERM, then SIGKILL after 10 s).  --keep-munge leaves munged running.
set -euo pipefail

stop_pidfile() {  # stop_pidfile NAME PIDFILE
    local name=$1 file=$2 pid
    [[ -s $file ]] || return 0
    pid=$(cat "$file")
    # Only signal the pid if it really is that daemon (pid files can be stale).
    if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        echo "stopped $name (pid $pid)"
    fi
    rm -f "$file"
}

stop_pidfile slurmd /run/slurmd.pid
stop_pidfile slurmctld /run/slurmctld.pid
[[ ${1:-} == --keep-munge ]] || stop_pidfile munged /run/munge/munged.pid
exit 0
