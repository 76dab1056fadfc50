// Package pipeline runs secprof's phases for a command: read a source,
// compile it, render the chosen backend, and write the result atomically
// — nothing at all when any diagnostic is an error. The CLI in
// cmd/secprof is only flags over this package.
//
//	file ─► profiles.Parse ─► compiler.Compile ─► backend ─► atomicfile.Write
package pipeline
