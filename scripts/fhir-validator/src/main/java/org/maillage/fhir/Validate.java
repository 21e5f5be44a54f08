package org.maillage.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Validates one FHIR R4 resource (a Bundle) with HAPI FHIR's instance validator, offline.
 *
 * <p>Usage: {@code Validate RESOURCE.json [CONFORMANCE.json ...]}: the conformance resources
 * (StructureDefinition, CodeSystem, ValueSet) are the resource's own extensions and codes, known to
 * the validator beside FHIR R4's. Prints one line per message: severity, location, message id and
 * text, separated by tabs; exits 0 whatever it found (the caller judges).
 */
public final class Validate {
  private Validate() {}

  public static void main(String[] args) throws Exception {
    FhirContext context = FhirContext.forR4();
    PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(context);
    for (int i = 1; i < args.length; i++) {
      IBaseResource resource = context.newJsonParser().parseResource(read(args[i]));
      own.addResource(resource);
    }
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(context),
        own,
        new SnapshotGeneratingValidationSupport(context),
        new InMemoryTerminologyServerValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context));
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    FhirValidator validator = context.newValidator().registerValidatorModule(module);
    ValidationResult result = validator.validateWithResult(read(args[0]));
    for (SingleValidationMessage message : result.getMessages()) {
      System.out.println(message.getSeverity() + "\t" + message.getLocationString() + "\t"
          + message.getMessageId() + "\t" + message.getMessage().replace('\n', ' ').replace('\t', ' '));
    }
  }

  private static String read(String path) throws Exception {
    return Files.readString(Path.of(path), StandardCharsets.UTF_8);
  }
}
