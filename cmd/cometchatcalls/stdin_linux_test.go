package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the program reads the slave as its
// stdin, the test types on the master and reads what the terminal shows.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	// Non-blocking, so that reads of the master honour a deadline.
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	m := os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { _ = m.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return m, s
}

func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	st, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	return st.Lflag&unix.ECHO != 0
}

// typeWhenEchoIsOff waits until the program has turned echo off, so that
// nothing typed is shown, then types line on the master.
func typeWhenEchoIsOff(t *testing.T, master, slave *os.File, line string) {
	t.Helper()
	require.Eventually(t, func() bool { return !echoOn(t, slave) }, 5*time.Second, time.Millisecond)
	_, err := io.WriteString(master, line)
	require.NoError(t, err)
}

// shown is what the terminal displayed so far (the master's output).
func shown(t *testing.T, master *os.File) string {
	t.Helper()
	require.NoError(t, master.SetReadDeadline(time.Now().Add(100*time.Millisecond)))
	b, _ := io.ReadAll(master) // ends at the deadline
	return string(b)
}

// TestStdinSecret_TerminalDoesNotEcho: typed at a terminal, the secret is
// read with echo off and never shown; echo is back afterwards.
func TestStdinSecret_TerminalDoesNotEcho(t *testing.T) {
	master, slave := openPTY(t)
	require.True(t, echoOn(t, slave))
	var stderr strings.Builder
	c := &cli{stdin: slave, stderr: &stderr}
	got := make(chan string, 1)
	go func() {
		s, err := c.stdinSecret(context.Background(), "auth key")
		assert.NoError(t, err)
		got <- s
	}()
	typeWhenEchoIsOff(t, master, slave, "  s3cret-auth-key  \n")
	assert.Equal(t, "s3cret-auth-key", <-got)
	assert.NotContains(t, shown(t, master), "s3cret", "the terminal showed the secret")
	assert.True(t, echoOn(t, slave), "echo is back")
	// The control: with echo back, what is typed shows.
	_, err := io.WriteString(master, "visible\n")
	require.NoError(t, err)
	assert.Contains(t, shown(t, master), "visible")
	assert.Equal(t, "Paste the auth key, then press Enter (it is not shown): \n", stderr.String())
}

// TestStdinSecret_CtrlCAtATerminalGivesEchoBack: a run interrupted while
// it waits for the secret leaves the terminal as it found it.
func TestStdinSecret_CtrlCAtATerminalGivesEchoBack(t *testing.T) {
	master, slave := openPTY(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := (&cli{stdin: slave, stderr: io.Discard}).stdinSecret(ctx, "auth key")
		done <- err
	}()
	require.Eventually(t, func() bool { return !echoOn(t, slave) }, 5*time.Second, time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.True(t, echoOn(t, slave), "echo is back")
	// The reader goroutine is still blocked on the terminal: a line ends it.
	_, err := io.WriteString(master, "\n")
	require.NoError(t, err)
}

// TestStdinSecret_DoneContextLeavesTheTerminalAlone: with its context
// already done, nothing is prompted or read and echo stays on.
func TestStdinSecret_DoneContextLeavesTheTerminalAlone(t *testing.T) {
	_, slave := openPTY(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr strings.Builder
	_, err := (&cli{stdin: slave, stderr: &stderr}).stdinSecret(ctx, "auth key")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, stderr.String())
	assert.True(t, echoOn(t, slave))
}
