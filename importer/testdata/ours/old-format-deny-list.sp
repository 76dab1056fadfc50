# Imported from old-format-deny-list.json by secprof import.
default allow
arch native
deny chmod chown chown32
