package dev.emergent.trainer.data;

/** Input the trainer cannot use (a stage config or a data file); the message says where. */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}
