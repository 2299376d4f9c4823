// The cabling outputs as files: the cable schedule, the orderable bill of materials and NetBox's CSV import files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "plan/cable_schedule.h"
#include "plan/device_directory.h"
#include "plan/plan.h"

namespace aifabric {

// NetBox's bulk-import columns (netbox/dcim/forms/bulk_import.py, DeviceImportForm, InterfaceImportForm and
// CableImportForm fields) that these files fill.
inline constexpr const char* kNetboxDeviceColumns = "name,role,manufacturer,device_type,status,site,rack,position,face";
inline constexpr const char* kNetboxInterfaceColumns = "device,name,type,speed,description";
inline constexpr const char* kNetboxCableColumns =
    "side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,type,status,label,color,length,length_unit";

// (relative path, contents): cables.csv, bom.csv, netbox/devices.csv, netbox/interfaces.csv, netbox/cables.csv.
std::vector<std::pair<std::string, std::string>> render_cable_files(const Plan& plan);

}  // namespace aifabric
