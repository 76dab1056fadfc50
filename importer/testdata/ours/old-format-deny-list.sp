# Imported from old-format-deny-list.json by secprof import.
default allow
arch x86_64
deny chmod chown chown32
