{ revision(service, version):: '%s-%s' % [service, version] }
