package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is the cause (context.Cause) of a run's context that a
// signal ended.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string { return s.sig.String() + " signal received" }

// notifyContext is signal.NotifyContext for Ctrl-C (SIGINT) and SIGTERM,
// except that the context's cause says which signal ended it, so that the
// exit code can (signal.NotifyContext's cause is only a message).
func notifyContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// interruptedCode is the exit code of a run whose context ended: 128 plus
// the signal's number, as shells report it, so 143 for SIGTERM and 130 for
// Ctrl-C or any other end.
func interruptedCode(ctx context.Context) int {
	var s signalCause
	if errors.As(context.Cause(ctx), &s) && s.sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}
