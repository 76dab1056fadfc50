# The benchmark's profile (scripts/bench-test.sh): ten run lines, two of
# which expect a failure and so need a control container.
default allow
deny @chmod
test {
  run "true" succeeds
  run "ls /" succeeds
  run "id" succeeds
  run "touch /tmp/a" succeeds
  run "chmod 600 /tmp/a" fails
  run "/usr/bin/chmod 600 /tmp/a" fails
  run "cat /etc/passwd" succeeds
  run "mkdir /tmp/x" succeeds
  run "/usr/bin/ls /usr" succeeds
  run "echo hi" succeeds
}
