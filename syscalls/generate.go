package syscalls

// The generator reads golang.org/x/sys from the module cache and headers
// from linux-libc-dev and libseccomp-dev; see internal/mktables.
//go:generate go run ./internal/mktables -o ztables.go
