"""The server's Hub Santé connection: the AMQP broker client, its inbox and what messages store."""
