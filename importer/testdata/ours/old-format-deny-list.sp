# Imported from old-format-deny-list.json by secprof import.
default allow
arch x86_64
deny chmod
deny chown
deny chown32
