package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"cehours/internal/mail"
)

func (a *app) sendCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "send",
		Short: "Deliver the queued mail that is due",
		Long: `Deliver every queued message whose next attempt is due: over SMTP when
mail.smtp.host is set, else as .eml files in mail.outbox_dir. A message that
fails is retried later with a growing delay and marked dead after
mail.max_attempts attempts, or at once when the server rejects it for good.

Exits 3 when this run marked a message dead (see "cehours status" for the
outbox), 4 when the SMTP server cannot be reached.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runSend(cmd.Context())
		},
	}
}

// runSend delivers what is due and reports it on stdout.
func (a *app) runSend(ctx context.Context) error {
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	o, err := mail.New(s, a.cfg.Mail, mail.WithLogger(a.log))
	if err != nil {
		return err
	}
	res, err := o.Deliver(ctx)
	where := "smtp " + a.cfg.Mail.SMTP.Host
	if a.cfg.Mail.SMTP.Host == "" {
		where = a.cfg.Mail.OutboxDir
	}
	fmt.Fprintf(a.stdout, "%s: %d sent, %d to retry, %d dead, %d taken by another process\n",
		where, res.Sent, res.Retried, res.Dead, res.Skipped)
	switch {
	case errors.Is(err, mail.ErrUnavailable):
		return fmt.Errorf("send: %w: %w", errUnavailable, err)
	case err != nil:
		return fmt.Errorf("send: %w", err)
	case res.Dead > 0:
		return fmt.Errorf("send: %d messages dead: %w", res.Dead, errPartial)
	}
	return nil
}
