"""A worker's or app's publishing connection is closed once its message is sent (real
RabbitMQ): pika answers heartbeats only while a connection is used, so one left idle is
dropped by RabbitMQ and its next use logs the reset as an error with a traceback."""

from __future__ import annotations

import pytest

from dorsi.jobs.queue_dramatiq import declare_actor, make_broker, release_sender
from tests.queue.cluster import BROKER_URL
from tests.queue.test_queue_real import require_broker

pytestmark = pytest.mark.postgres  # with the other real-broker tests


def test_a_sent_message_leaves_no_publishing_connection_open() -> None:
    require_broker()
    broker = make_broker(BROKER_URL)
    actor = declare_actor(broker)
    try:
        actor.send_with_options(args=(2**31 - 1,), delay=3_600_000)  # no such job; an hour off
        assert len(broker.connections) == 1
        release_sender(broker)
        assert broker.connections == set()
        release_sender(broker)  # nothing left to release: no error
        actor.send_with_options(args=(2**31 - 1,), delay=3_600_000)  # opens a new one
        assert len(broker.connections) == 1
    finally:
        broker.flush_all()
        broker.close()
