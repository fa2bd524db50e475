"""A local SMTP server that accepts and counts messages, for bench/outbox.sh."""
import asyncore
import smtpd
import sys


class Sink(smtpd.SMTPServer):
    count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        Sink.count += 1


Sink(("127.0.0.1", int(sys.argv[1])), None)
asyncore.loop()
