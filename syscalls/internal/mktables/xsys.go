//go:build unix

package main

// mktables reads golang.org/x/sys's source files rather than its constants
// (it needs every arch's, not the host's), so nothing else imports the
// module. Importing it here keeps it required in go.mod, which is where
// locateXSys gets the pinned version from.
import _ "golang.org/x/sys/unix"
