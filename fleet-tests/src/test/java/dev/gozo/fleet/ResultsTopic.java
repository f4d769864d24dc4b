package dev.gozo.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.JobCompleted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every record on gozo.results, read from the beginning without a consumer group. The gateway shows
 * only the first result of a job, so a job that ran twice is visible only here.
 */
final class ResultsTopic {

  private ResultsTopic() {}

  static List<JobCompleted> readAll(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("gozo.results", Duration.ofSeconds(15)).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
      List<JobCompleted> results = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read gozo.results up to " + end + " within 30 s");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          results.add(parse(record));
        }
      }
      return results;
    }
  }

  private static JobCompleted parse(ConsumerRecord<String, byte[]> record) {
    try {
      return JobCompleted.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("undecodable result for job " + record.key(), e);
    }
  }
}
