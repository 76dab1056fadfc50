profile aa-only
apparmor {
    deny /etc/shadow rw
}
