package dev.gozo.worker.intake;

/** Decides what becomes of one delivered job record; {@link JobProcessor} in the worker. */
@FunctionalInterface
public interface RecordHandler {

  JobProcessor.Decision handle(DeliveredRecord record);
}
