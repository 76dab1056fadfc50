// Package profiles is the front end of secprof: it reads a profile source —
// the secprof DSL (.sp), secprof's JSON form, or a Docker-format seccomp
// JSON file — into one source model (the AST), in which every node keeps the
// file:line:col it came from. Nothing here resolves names or checks intent;
// that is the compiler's job. Parse errors are diagnostics, collected.
//
// An apparmor { } block parses into typed statements (AAName, AAFile,
// AACapability, ...; see AAStatement), the DSL and the JSON form through one
// statement parser. It checks syntax: the keywords, how many words each
// statement takes, path globs and file modes. Names it keeps as written. Each
// statement's String prints it as the DSL writes it and parses back to the
// same node.
//
//	source text ─► Parse ─► *File (AST) ─► compiler.Compile
package profiles
