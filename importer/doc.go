// Package importer turns a Docker-format seccomp profile into secprof's
// DSL: the `secprof import` command. It reads the file exactly as
// `secprof compile` and `secprof diff` do — the Docker front end
// (profiles.Parse), then the compiler — and writes the compiled Policy as
// DSL text, so the three commands accept the same files and the imported
// source decides every syscall as the original does (a property test and
// FuzzImport check it with package semantic).
//
//	Docker JSON ─► profiles.Parse ─► compiler.Compile ─► Policy ─► Write ─► .sp text
//
// What the runtime reads in its own way (a rule comparing one argument
// twice, errnoRet on an allow, a rule equal to the default) is compiled as
// the runtime reads it, with a warning; what the runtime refuses is an
// error at its position.
package importer
