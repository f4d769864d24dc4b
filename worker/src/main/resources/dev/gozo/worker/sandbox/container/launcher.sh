# GozoLite in-container launcher. Runs as the sandbox's main process (under docker's init),
# waits on stdin for a job, unpacks it into /work, compiles, then runs the program as its child
# and reports the program's exit status in an "exit" marker (below). The worker reads the status
# from that marker; the container's own exit status is the launcher's, not the program's.
#
# Protocol (all written by the worker on the attached stdin):
#   GOZO1 <nonce> <tar-bytes> <stdin-bytes> <argc> <after-exit: 0 exit|1 recycle|2 linger>
#         <interactive: 0|1>\n
#   <argc lines: one base64-encoded argument each>
#   <compile command or empty line>\n
#   <run command>\n
#   <tar archive of the files> <stdin bytes>
#   then, only for compiled languages and after the worker adjusted limits: "run\n", or
#   "pack\n" (judging): the launcher writes the compiled /work as a base64 tar between the
#   markers "packing" and "packed" on stdout and exits
#   then, only for interactive runs, frames for the program (see relay below and
#   InteractiveInput.java): "d N\n<N bytes>" stdin, "e\n" end of input, "s NAME\n" a signal.
# After the program: 0 = exit (the container ends). 2 = linger: kill every other process, empty
# every writable place and wait for the worker to remove the container (it does so once the
# result is out and the worker is quiet, so the engine's teardown does not slow jobs down).
# 1 = recycle (tenants that opted in, see docs/security.md): kill every other process, empty
# every writable place, check that nothing is left, report "clean" and wait for the next job. Anything unexpected ends the container,
# and the worker discards it.
# Markers "\n\0GOZO:<nonce>:<event>\n" on stdout and stderr separate setup, compile and run
# output and report the program's exit. The nonce lives only in this shell's memory, which
# the program cannot read: this shell is non-dumpable (below) and the seccomp profile refuses
# ptrace. Even a forged "exit" marker could only end the program's own job early.
set -u
# Before any job arrives, go on as a copy of the shell that this user may execute but not read.
# The kernel marks a process that runs an unreadable binary non-dumpable, so the program (same
# uid, our child) can neither read our memory through /proc/PID/mem nor open /proc/PID/environ.
# $1 is this script's own text (see ContainerFactory); the program's own exec makes it dumpable
# again, as usual.
if [ "$0" != gozo-launcher ]; then
  cp /bin/sh /tmp/.gozo-sh && chmod 0111 /tmp/.gozo-sh || exit 92
  exec /tmp/.gozo-sh -c "$1" gozo-launcher
fi
rm -f /tmp/.gozo-sh
marker() {
  printf '\n\000GOZO:%s:%s\n' "$nonce" "$1"
  printf '\n\000GOZO:%s:%s\n' "$nonce" "$1" >&2
}
# Kills every process of the container except init (pid 1) and this shell, then waits until
# /proc shows none alive: kill(-1) reaches every process this uid may signal, and all of the
# job's processes run as this uid (no-new-privileges, so no setuid escape). Repeated because a
# fork bomb may create children while one round runs; the pids limit bounds how many.
kill_leftovers() {
  rounds=0
  while :; do
    kill -9 -1 2>/dev/null
    alive=0
    for proc in /proc/[0-9]*; do
      pid=${proc#/proc/}
      if [ "$pid" = 1 ] || [ "$pid" = "$$" ]; then
        continue
      fi
      state=
      while IFS=' 	' read -r key value rest; do
        if [ "$key" = State: ]; then
          state=$value
          break
        fi
      done 2>/dev/null < "$proc/status"
      if [ -n "$state" ] && [ "$state" != Z ]; then
        alive=$((alive + 1))
      fi
    done
    [ "$alive" -eq 0 ] && return 0
    rounds=$((rounds + 1))
    [ "$rounds" -lt 200 ] || return 1
  done
}
# Empties every place the job could write (tmpfs /work and /tmp, /dev/shm, POSIX message
# queues, System V IPC) and fails unless all of them are empty afterwards. The root filesystem
# is read-only, so there is nothing else. find exits non-zero when it could not delete
# something (a directory the job made unreadable): then everything is made writable first and
# the result is checked. The usual case costs one process.
wipe_writable() {
  if ! find /work /tmp /dev/shm /dev/mqueue -mindepth 1 -delete 2>/dev/null; then
    chmod -R u+rwx /work /tmp /dev/shm /dev/mqueue 2>/dev/null
    find /work /tmp /dev/shm /dev/mqueue -mindepth 1 -delete 2>/dev/null
    left=$(find /work /tmp /dev/shm /dev/mqueue -mindepth 1 -print -quit 2>/dev/null)
    [ -z "$left" ] || return 1
  fi
  ipc_empty || ipcrm --all 2>/dev/null
  ipc_empty
}
# Whether no System V IPC object exists in this container's IPC namespace (header lines only).
ipc_empty() {
  for table in /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem; do
    entries=0
    while IFS= read -r line; do
      entries=$((entries + 1))
    done < "$table"
    [ "$entries" -le 1 ] || return 1
  done
  return 0
}
# Interactive runs: turns the worker's frames into the program's stdin (this function's stdout
# is the program's input pipe) and its signals. It runs beside the program and is killed when
# the program exits. The program's pid is in /tmp/.gozo-pid (written by the program's own shell
# before it execs; the program could overwrite it, but only to signal its own processes).
relay() {
  while IFS=' ' read -r kind arg; do
    case $kind in
      d) head -c "$arg" || return 0 ;;
      e) exec >&- ;;
      s)
        read -r pid < /tmp/.gozo-pid && kill -s "$arg" "$pid"
        ;;
      *) return 0 ;;
    esac
  done
}
while :; do
  IFS=' ' read -r magic nonce tar_size stdin_size argc after_exit interactive || exit 90
  [ "$magic" = GOZO1 ] || exit 90
  set --
  i=0
  while [ "$i" -lt "$argc" ]; do
    IFS= read -r encoded || exit 90
    arg=$(printf '%s' "$encoded" | base64 -d && printf x) || exit 90
    set -- "$@" "${arg%x}"
    i=$((i + 1))
  done
  IFS= read -r compile_cmd || exit 90
  IFS= read -r run_cmd || exit 90
  cd /work || exit 91
  unset OLDPWD # set by cd; the program's environment is the container's and nothing else
  head -c "$tar_size" | tar -x -f - -m --no-same-owner --no-same-permissions || exit 91
  # Every process started here delays the program by a millisecond or two: skip the ones a job
  # does not need (no stdin, nothing to compile).
  if [ "$stdin_size" -gt 0 ]; then
    head -c "$stdin_size" > /tmp/.gozo-stdin || exit 91
  else
    : > /tmp/.gozo-stdin || exit 91
  fi
  if [ -n "$compile_cmd" ]; then
    mkdir -p /work/.gozo-bin || exit 91
    sh -c "$compile_cmd" < /dev/null
    marker "compiled:$?"
    IFS= read -r go || exit 0
    if [ "$go" = pack ]; then
      # Judging: hand the compiled working directory to the worker (base64, so no byte of it
      # can look like a marker) and end; each test then runs it in a fresh sandbox.
      marker packing
      tar -c -f - -C /work . | base64 -w 0
      marker packed
      exit 0
    fi
    [ "$go" = run ] || exit 0
  fi
  if [ "${interactive:-0}" = 1 ]; then
    rm -f /tmp/.gozo-in /tmp/.gozo-pid
    mkfifo -m 600 /tmp/.gozo-in || exit 91
    # An asynchronous command's stdin would be /dev/null: hand the relay ours through fd 3.
    exec 3<&0
    relay <&3 3<&- > /tmp/.gozo-in 2>/dev/null &
    relay_pid=$!
    exec 3<&-
    marker ready
    # In the foreground, so that SIGINT keeps its default (an asynchronous command would start
    # with it ignored, and Ctrl-C would not reach the program).
    sh -c "echo \$\$ > /tmp/.gozo-pid; exec $run_cmd \"\$@\"" gozo "$@" < /tmp/.gozo-in
    status=$?
    kill "$relay_pid" 2>/dev/null
    marker "exit:$status"
  else
    marker ready
    # The program runs as our child (not exec'd) so that we can report the moment it exits: the
    # worker then ends the job at once instead of waiting for the container to tear down, and
    # reads the cgroup's figures while it still exists. The status is the program's own (exit
    # code, or 128+N for a signal); verdicts about limits never depend on it.
    sh -c "exec $run_cmd \"\$@\"" gozo "$@" < /tmp/.gozo-stdin
    marker "exit:$?"
  fi
  case "${after_exit:-0}" in
    1) ;;
    2)
      # The worker removes this container only after the result is out, and in a busy moment
      # only once things are quiet (WarmPool); nothing of the job may run meanwhile, so if
      # anything survives the kill, end the container now. The files go too: a spent container
      # then holds no memory beyond this shell.
      kill_leftovers > /dev/null 2>&1 || exit 93
      wipe_writable > /dev/null 2>&1 || exit 94
      IFS= read -r _ # until the worker closes stdin or removes the container
      exit 0
      ;;
    *) exit 0 ;;
  esac
  kill_leftovers > /dev/null 2>&1 || exit 93
  wipe_writable > /dev/null 2>&1 || exit 94
  marker clean
done
