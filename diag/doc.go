// Package diag holds source positions and diagnostics: the values every
// phase of secprof reports problems with. Diagnostics are collected, not
// returned one at a time, so a user sees every mistake in a profile at once,
// sorted by position and printed in editor format (file:line:col).
package diag
