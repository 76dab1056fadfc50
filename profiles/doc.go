// Package profiles is the front end of secprof: it reads a profile source —
// the secprof DSL (.sp), secprof's JSON form, or a Docker-format seccomp
// JSON file — into one source model (the AST), in which every node keeps the
// file:line:col it came from. Nothing here resolves names or checks intent;
// that is the compiler's job. Parse errors are diagnostics, collected.
//
//	source text ─► Parse ─► *File (AST) ─► compiler.Compile
package profiles
