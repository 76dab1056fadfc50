// Package pipeline runs secprof's phases for a command: read a source,
// compile it, render the chosen backend, and write the result atomically
// — nothing at all when any diagnostic is an error — or prove it (test),
// import it, compare it (diff). The CLI in cmd/secprof is only flags over
// this package: one entry point per command (Compile, Test, Import, Diff,
// Families, LoadAppArmor, Completions, Version).
//
//	file ─► profiles.ReadSource ─► profiles.Parse ─► compiler.Compile ─► Result ─► backends ─► atomicfile (all or nothing)
//	                                                                            └─► verify/kernel, verify/container
package pipeline
