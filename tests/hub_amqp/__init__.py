"""AMQP transport to Hub Santé, against the real local RabbitMQ (issue 6, part 5)."""
