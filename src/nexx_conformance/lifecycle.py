"""Starting and stopping what a run needs: the channel sinks, the target, the preflight check."""

from __future__ import annotations

from nexx_conformance.channels.mailpit import MailpitMailbox
from nexx_conformance.channels.replayed import ReplayedChannel
from nexx_conformance.channels.sms_webhook import SmsWebhookSink
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.config import ConfigError, Endpoint, NexxConfig
from nexx_conformance.state import SuiteState
from nexx_conformance.targets import preflight, replay_target, start_reference, url_target
from nexx_conformance.users import count_left


def start_run(state: SuiteState, *, controller: bool) -> None:
    config = state.config
    if controller:
        # The xdist controller runs no tests: it only refuses what workers cannot share.
        refuse_shared_sinks(config)
        if config.is_url:
            check_target(config, config.base_url)
        return
    if config.is_replay:
        state.target = replay_target(config)
        state.mailbox = state.sms_inbox = ReplayedChannel()
        return
    state.mailbox = open_mailbox(config.mailbox, reference=config.is_reference)
    state.sms_inbox = open_sms_inbox(config.sms_inbox, reference=config.is_reference)
    for channel in (state.mailbox, state.sms_inbox):
        if channel is not None:
            state.closers.append(channel.close)
    if config.is_reference:
        state.target = start_reference(config, (state.mailbox.host, state.mailbox.port),
                                       state.sms_inbox.url)
        state.closers.append(state.target.stop)
    else:
        state.target = url_target(config)
    check_target(config, state.target.base_url)


def stop_run(state: SuiteState) -> None:
    # Counted here: after the session's user cleanup (the engine stops the run last), while
    # the server still runs. Only once: a second stop finds the server gone.
    if state.closers and state.users_left is None:
        state.users_left = count_left(state.target)
    state.close()


def check_target(config: NexxConfig, base_url: str) -> None:
    client = NexxClient(base_url, config.domain_id, config.domain_secret, timeout=5.0)
    try:
        preflight(client)
    finally:
        client.close()


def refuse_shared_sinks(config: NexxConfig) -> None:
    for endpoint, option in ((config.mailbox, "--mailbox"), (config.sms_inbox, "--sms-inbox")):
        if endpoint is not None and endpoint.scheme in ("smtp", "webhook"):
            raise ConfigError(
                f"{option} {endpoint.url} is a sink on one fixed port, which only one process can "
                "bind: run without -n, or read mails from Mailpit (--mailbox mailpit+http://HOST:PORT); "
                "with --target reference leave the sinks out and every worker gets its own.")


def open_mailbox(endpoint: Endpoint | None, *, reference: bool):
    if endpoint is None:
        return SmtpSink() if reference else None
    if endpoint.scheme == "smtp":
        return SmtpSink(endpoint.host, endpoint.port)
    if reference:
        raise ConfigError("with --target reference the mailbox is the suite's own SMTP sink: "
                          "use --mailbox smtp://127.0.0.1:PORT or leave it out.")
    scheme = endpoint.scheme.removeprefix("mailpit+")
    return MailpitMailbox(f"{scheme}://{endpoint.host}:{endpoint.port}")


def open_sms_inbox(endpoint: Endpoint | None, *, reference: bool):
    if endpoint is None:
        return SmsWebhookSink() if reference else None
    return SmsWebhookSink(endpoint.host, endpoint.port)
