"""The Kafka plumbing every consumer and producer of CityOps shares: clients built from the
settings (`kafka_client`), the librdkafka consumer behind the same interface, consumer lag
(`lag`), the stalled-assignment check, and back-off that a stop cuts short (`backoff`)."""
