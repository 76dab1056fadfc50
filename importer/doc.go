// Package importer turns a Docker-format seccomp profile into secprof's
// DSL: the `secprof import` command. It reads the source model the Docker
// front end builds (profiles.Parse), so every problem points at the JSON
// value it is about, and writes DSL text that compiles back to a profile
// that decides every syscall as the original does (package semantic proves
// it in the tests).
//
//	Docker JSON ─► profiles.Parse ─► *profiles.File ─► Import ─► .sp text
//
// Whatever the DSL cannot say is an error naming the field, never dropped
// in silence.
package importer
