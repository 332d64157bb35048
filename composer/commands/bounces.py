"""``compose bounces scan``: read the bounce mailbox and suppress readers who bounced or complained."""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, verb_with_actions
from composer.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:

    from composer.config import Settings


def cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    from composer.bounces.scan import Summary, open_scanner, tally
    from composer.bounces.sources import ImapSource, MaildirSource, MboxSource, Source
    from composer.config import mask_secrets

    given = [x for x in (args.imap, args.maildir, args.mbox) if x]
    if len(given) > 1:
        raise InputError("read one mailbox per run: --imap URL, --maildir DIR or --mbox FILE")
    imap = args.imap or (None if given else settings.bounce_imap_url.reveal() or None)
    if not given and not imap:
        raise InputError("say where the bounces are: --imap URL, --maildir DIR or --mbox FILE "
                         "(or set BOUNCE_IMAP_URL)")
    if args.move_to and not imap:
        raise InputError("--move-to is for --imap mailboxes")
    source: Source
    if imap:
        source = ImapSource(imap, include_seen=args.all, move_to=args.move_to, readonly=args.dry_run)
    elif args.maildir:
        source = MaildirSource(args.maildir, include_seen=args.all)
    else:
        source = MboxSource(args.mbox)
    if not settings.bounce_address:
        print("compose: warning: BOUNCE_ADDRESS is not set, so sends carry no VERP token; bounces are matched by "
              "the original Message-ID only", file=sys.stderr)
    summary = Summary()
    with source, open_scanner(settings, dry_run=args.dry_run) as scanner:
        for outcome in scanner.scan(source):
            tally(summary, outcome)
            if args.verbose or (outcome.report.kind in ("hard", "soft", "complaint", "error")
                                and outcome.action != "duplicate"):
                print(mask_secrets(outcome.line(), settings), file=sys.stderr)
    print(summary.line(args.dry_run))
    return 1 if summary.errors else 0


def register(add: Add) -> None:
    action = verb_with_actions(add, "bounces")

    q = action("scan", cmd_scan, "read bounces and complaints from a mailbox; suppress hard bounces and complaints "
                                 "at once, soft bounces after BOUNCE_SOFT_LIMIT in BOUNCE_SOFT_DAYS")
    where = q.add_mutually_exclusive_group()
    where.add_argument("--imap", metavar="URL", help="imaps://user:password@host:993/INBOX (default: $BOUNCE_IMAP_URL)")
    where.add_argument("--maildir", metavar="DIR")
    where.add_argument("--mbox", metavar="FILE")
    q.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing, mark nothing")
    q.add_argument("--all", action="store_true",
                   help="also read messages already seen (each report is still processed only once)")
    q.add_argument("--move-to", metavar="FOLDER", help="IMAP: move processed messages there instead of flagging "
                                                       "them \\Seen")
    q.add_argument("-v", "--verbose", action="store_true", help="a line for every message, not only bounces")
