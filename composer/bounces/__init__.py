"""The bounce mailbox: returned mail (RFC 3464 DSNs, RFC 5965 ARF complaints) turned into suppressions.

``parse`` reads one message (pure), ``sources`` reads an IMAP mailbox, a Maildir or an mbox, and
``scan`` matches each report to a reader (VERP token, else Message-ID) and applies the policy.
It sits above ``delivery`` because it reads the delivery state to find who a message was for;
it records into ``audience`` like the webhooks of ``compose serve`` do.
"""
