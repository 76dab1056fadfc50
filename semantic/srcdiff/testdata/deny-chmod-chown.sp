default allow
deny chmod chown
