// Command whatmatters is the whole product in one binary: the web server,
// database migrations, account administration, the audit check and the
// Balance of Care planning engine.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. It receives its own arguments (without the
// subcommand name) and returns the process exit status.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "whatmatters: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := checkSecretFiles(os.Environ()); err != nil {
		fmt.Fprintf(stderr, "whatmatters: %v\n", err)
		return 2
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: whatmatters COMMAND [options]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'whatmatters COMMAND -h' for a command's options.")
}
