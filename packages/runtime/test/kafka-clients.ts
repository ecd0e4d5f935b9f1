// Kafka clients for tests in other packages: @platformatic/kafka is a dependency of this package
// only, and it is the Node client that authenticates with SCRAM against Kafka 4 (kcat on
// librdkafka before 2.6.1 does not), so tests of Kafka 4 clusters import it from here.
export { Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";
