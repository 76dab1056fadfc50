package syscalls_test

import (
	"fmt"

	"github.com/secprof/secprof/syscalls"
)

func Example() {
	for _, a := range syscalls.DefaultArches() {
		nr, ok := syscalls.Number(a, "fchmodat")
		fmt.Printf("%s %s fchmodat=%#x %v\n", a, a.SCMPName(), nr, ok)
	}
	_, ok := syscalls.Number(syscalls.X86_64, "chown32")
	fmt.Println("chown32 on x86_64:", ok, "on:", syscalls.ArchesOf("chown32"))
	fmt.Println("riscv_hwprobe known:", syscalls.Known("riscv_hwprobe"), "on:", syscalls.ArchesOf("riscv_hwprobe"))
	fmt.Println("recv pseudo:", syscalls.IsPseudo("recv"))
	fmt.Printf("chmdo: known %v, did you mean %q?\n", syscalls.Known("chmdo"), syscalls.Suggest("chmdo", syscalls.DefaultArches()...))
	// Output:
	// x86_64 SCMP_ARCH_X86_64 fchmodat=0x10c true
	// x86 SCMP_ARCH_X86 fchmodat=0x132 true
	// x32 SCMP_ARCH_X32 fchmodat=0x4000010c true
	// chown32 on x86_64: false on: [arm x86]
	// riscv_hwprobe known: true on: [riscv64]
	// recv pseudo: true
	// chmdo: known false, did you mean "chmod"?
}
