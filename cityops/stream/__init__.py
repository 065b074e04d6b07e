"""What every Kafka consumer loop of CityOps shares (ingest's streams, the alerts engine)."""
