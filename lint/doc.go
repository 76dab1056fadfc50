// Package lint is the closed table of secprof's lint checks: each check's
// stable ID, name, severity and documentation, and the SARIF rendering of
// findings. It is a leaf (it imports only diag), so the parsers, the
// compiler (which runs the checks: they need the compilation's resolved
// arches and the rules before they are merged) and the CLI all read one
// table. docs/lint.md is generated from it by go generate ./lint.
package lint
