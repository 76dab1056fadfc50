package syscalls

// The generator reads golang.org/x/sys from the module cache (the version
// go.mod pins) and the pinned kernel and libseccomp inputs under
// internal/mktables/inputs; nothing from the host. See internal/mktables.
//go:generate go run ./internal/mktables -o ztables.go
